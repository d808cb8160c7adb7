from tpm_models.cli import main

raise SystemExit(main())
