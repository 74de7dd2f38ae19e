from outpace.cli import main

raise SystemExit(main())
