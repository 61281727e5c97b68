"""WTForms classes: the admin forms here, the paper forms built from their definitions."""
