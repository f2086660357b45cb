"""Pure renderers: data in, bytes out (DOCX, PDF, liasse ZIP, iCal); no database, no request."""
