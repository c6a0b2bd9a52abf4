"""Server-rendered pages: the customer's booking journey, the manage link, the customer's account."""
