// Placeholder: the console script replaces this file.
