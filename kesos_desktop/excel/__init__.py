"""Excel in and out: safe reading of real registers, formula-safe streamed writing."""
