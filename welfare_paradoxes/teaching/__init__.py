"""The teaching strand: the bootstrap by hand, class activities and the coding exercise."""
