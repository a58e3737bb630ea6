"""Deals: what a buyer really pays at the factory (one piece or wholesale, shipping known or not) against the shop."""
