"""Pure renderers, data in and bytes out: DOCX, PDF, liasse ZIP and XML, iCal, Akoma Ntoso."""
