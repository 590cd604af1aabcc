"""Which problems a quarter's tasks address: the problem section of a plan draft.

A problem's ``action`` names what fixes it (「试点智能补货模型；每季度清理…」); a task is the
scheduled work (「智能补货模型试点」). The workbook has no column linking the two, so a task
addresses a problem when one of the action's phrases and the task's name share at least
two in five of the words of the shorter one: Chinese text is compared by pairs of characters
(智能补货模型试点 and 试点智能补货模型 share 5 of their 7 pairs), other text by its words of
three letters or more, common words left out ("Route optimisation tool" and "Route
optimisation pilot (North and East)" share 2 of 3). Pure text matching, no figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opsreport.core.records import Problem, Task

__all__ = ["ProblemTasks", "problems_addressed"]

MATCH = 0.4  # the share of the shorter text's words both must have (设定客诉闭环时限 ~ 客诉闭环机制落地: 3 of 7)
_PHRASES = re.compile(r"[；;。\n]|，(?=[^，]{4,})")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9][a-z0-9'-]{2,}")
_COMMON = frozenset(
    {"and", "the", "for", "with", "from", "into", "per", "all", "new", "our", "each", "based"}
)


@dataclass(frozen=True)
class ProblemTasks:
    """A problem and the quarter's tasks that address it, in task order."""

    problem: Problem
    tasks: tuple[Task, ...]


def _words(text: str) -> frozenset[str]:
    lowered = text.lower()
    pairs = {run[i : i + 2] for run in _CJK.findall(lowered) for i in range(len(run) - 1)}
    words = {w for w in _WORD.findall(lowered) if w not in _COMMON}
    return frozenset(pairs | words)


def _addresses(task: Task, phrases: list[frozenset[str]]) -> bool:
    name = _words(task.task)
    if not name:
        return False
    for phrase in phrases:
        shorter = min(len(name), len(phrase))
        if shorter and len(name & phrase) >= MATCH * shorter:
            return True
    return False


def problems_addressed(problems: list[Problem], tasks: list[Task]) -> list[ProblemTasks]:
    """The problems at least one of ``tasks`` addresses (by its action, or its problem text
    when it has none), in workbook order, each with those tasks."""
    found = []
    for problem in problems:
        source = problem.action or problem.problem
        phrases = [w for w in (_words(p) for p in _PHRASES.split(source)) if w]
        matched = tuple(task for task in tasks if _addresses(task, phrases))
        if matched:
            found.append(ProblemTasks(problem, matched))
    return found
