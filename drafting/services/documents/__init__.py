"""Official documents: sheets, one amendment's document, the liasse export, jobs, file storage."""
