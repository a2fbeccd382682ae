//! Console tests (login, CSRF, pages).
