"""The app's screens: the main screen and the modal ones that return a value."""
