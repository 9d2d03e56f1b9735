"""Chinese second-generation resident ID cards (and the foreigner / HK-Macao-Taiwan cards that
share their chip) through a certified SAM reader on a serial link: docs/identity.md."""
