from opsreport.cli import main

main()
