"""The `energysim` subcommands, one module each (registered in :data:`energysim.cli.COMMANDS`)."""
