# {{	.Values.name	}} {{- " x" }}
