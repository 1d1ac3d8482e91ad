"""The charity's writes, one module per domain. Each is a transaction that ends with its audit record."""
