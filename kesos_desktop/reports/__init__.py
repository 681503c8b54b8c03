"""PDF documents in Indonesian office form (reportlab platypus): DTOs in, PDF bytes out."""
