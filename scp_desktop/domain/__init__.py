"""Plain-Python rules of the partnership's world: RAG, quarters, deadlines, money. No Qt, no database."""
