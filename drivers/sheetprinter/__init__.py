"""Sheet printers (A4/A3 licence stock) driven through CUPS over IPP."""
