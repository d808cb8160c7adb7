"""Sub-commands of ``tpm``; one module each (see :mod:`tpm_models.cli`)."""
