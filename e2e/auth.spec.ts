// Accounts in the browser: registering (with its checks and strength hint), logging out and
// back in, a taken name, and locking and unlocking — each screen photographed and held to axe.
import { expect, test } from './fixtures'
import {
  PASSWORD,
  createServer,
  expectMainView,
  logIn,
  messagesWith,
  registerForm,
  register,
  send,
} from './support/app'
import { checkScreen } from './support/screens'

test('a new account registers, is told what to do next, logs out and logs back in', async ({
  user: { page },
}) => {
  const form = registerForm(page)
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible()
  await checkScreen(page, 'register')

  // Nothing filled in: every problem is stated beside its field, and nothing is sent.
  await form.submit.click()
  await expect(page.getByText('Use at least 3 characters.')).toBeVisible()
  await expect(page.getByText('Use at least 8 characters.', { exact: true })).toBeVisible()
  await form.name.fill('ada')
  await form.password.fill('ada-password')
  await expect(page.getByTestId('password-strength')).toHaveText(/^Weak\. /)
  await form.confirm.fill('something else')
  await expect(page.getByText('The passwords do not match.')).toBeVisible()
  await checkScreen(page, 'register-problems')

  await form.password.fill(PASSWORD)
  await expect(page.getByTestId('password-strength')).toHaveText(/^Strong\. /)
  await form.confirm.fill(PASSWORD)
  await form.submit.click()
  await expectMainView(page)
  await expect(page.getByTestId('no-servers')).toBeVisible()
  await checkScreen(page, 'welcome-no-servers')

  await page.getByRole('button', { name: 'Settings' }).click()
  const settings = page.getByRole('dialog', { name: 'Settings' })
  await expect(settings).toBeVisible()
  await checkScreen(page, 'settings')
  await settings.getByRole('button', { name: 'Log out' }).click()
  await expect(form.submit).toBeVisible()

  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible()
  await logIn(page, 'ada', 'not-the-password')
  await expect(page.getByTestId('auth-error')).toHaveText('Wrong name or password.')
  await checkScreen(page, 'login-wrong-password')

  await logIn(page, 'ada')
  await expectMainView(page)
  await expect(page.getByTestId('user-panel')).toContainText('ada')
})

test('a name someone already has is refused plainly, and nothing else is lost', async ({
  openUsers,
}) => {
  const [first, second] = await openUsers(2)
  if (!first || !second) throw new Error('expected two users')
  await register(first.page, 'grace')

  const form = registerForm(second.page)
  await form.name.fill('grace')
  await form.password.fill(PASSWORD)
  await form.confirm.fill(PASSWORD)
  await form.submit.click()
  await expect(second.page.getByTestId('auth-error')).toHaveText(
    'That name is taken. Try another one.',
  )
  await expect(form.name).toHaveValue('grace')
  await checkScreen(second.page, 'register-name-taken')

  await form.name.fill('grace2')
  await form.submit.click()
  await expectMainView(second.page)
})

test('locking wipes the view until the password is entered again', async ({ user: { page } }) => {
  await register(page, 'linus')
  await createServer(page, 'Workshop')
  await send(page, 'still here after unlocking')

  await page.getByRole('button', { name: 'Lock paracord' }).click()
  await expect(page.getByRole('heading', { name: 'paracord is locked' })).toBeVisible()
  await expect(page.getByTestId('locked-account')).toContainText('linus')
  await expect(page.getByRole('navigation', { name: 'Servers' })).toHaveCount(0)
  await expect(page.getByText('still here after unlocking')).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Unlock' })).toBeDisabled()
  await checkScreen(page, 'unlock')

  const password = page.getByLabel('Password', { exact: true })
  await password.fill('wrong-password-here')
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expect(page.getByTestId('auth-error')).toHaveText('That password is not right.')
  await checkScreen(page, 'unlock-wrong-password')

  await password.fill(PASSWORD)
  await page.getByRole('button', { name: 'Unlock' }).click()
  await expectMainView(page)
  await expect(page.getByTestId('server-name')).toHaveText('Workshop')
  await expect(messagesWith(page, 'still here after unlocking')).toHaveCount(1)
})
