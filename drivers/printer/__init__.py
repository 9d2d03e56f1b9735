"""Receipt printers speaking ESC/POS."""
