"""What the bot, the admin app and the command line share: settings and wiring."""
