"""The Kivy touchscreen. Screens render the flow's View and forward touches; they decide nothing."""
