// Passwords for tests. Registration and password changes refuse a weak password before anything
// is sent (src/shared/password-strength.ts), so every test account needs a strong one.
export const TEST_PASSWORD = 'copper kettle drums at dawn'
export const NEW_TEST_PASSWORD = 'violet harbour lantern'
