"""The hotline's figures (docs/statistics.md): rates and rankings computed from the read
model's per-ticket counts."""
