"""What the analyst configures: the keymap, every QSettings option, labels and colours,
and the legend that shows them."""
