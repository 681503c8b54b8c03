from kesos_desktop.app import main

raise SystemExit(main())
