"""Returns: preparing the quarter's workbooks, reading them back, and applying them to the plan."""
