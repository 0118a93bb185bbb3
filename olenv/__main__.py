from olenv.cli import main

raise SystemExit(main())
