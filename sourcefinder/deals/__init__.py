"""Deals: what a buyer pays at the factory (tier price at the buyable quantity, shipping) against the retail price."""
