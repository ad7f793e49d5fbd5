// The sign-in, sign-up and confirm forms. onSignedIn() is called once tokens are in hand. A
// failed submit puts the focus on its error. A wrong password and an unknown email get the same
// text (deployed, the pool does not say which emails exist either). The password hint says what
// the pool enforces (passwordMinLength of /config.json).
import { signIn, signUp, confirm, setting, CognitoError } from './auth.js';
import { h, focusMain } from './view.js';

let remembered = { email: '', password: '' }; // between sign-up and confirm only, in memory

export function signInView(root, { onSignedIn, message }) {
  show(root, 'signin', { onSignedIn, message });
}

function show(root, form, opts) {
  root.replaceChildren(FORMS[form](root, opts));
  focusMain(TITLES[form]);
}

const TITLES = { signin: 'Sign in', signup: 'Create an account', confirm: 'Confirm your email' };

function field(id, label, attrs) {
  return h('p', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id, required: true, ...attrs }));
}

// form builds a form whose submit runs act(values) with the button disabled and shows its error.
function form(title, intro, fields, button, act, footer) {
  const error = h('p', { class: 'error', role: 'alert', id: 'form-error', tabindex: '-1' });
  const submit = h('button', { type: 'submit' }, button);
  const el = h('form', { class: 'card auth', novalidate: false }, h('h1', {}, title), intro, ...fields, error, h('p', {}, submit), footer);
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    submit.disabled = true;
    const values = Object.fromEntries(new FormData(el));
    try {
      await act(values);
    } catch (e) {
      error.textContent = e instanceof CognitoError ? messageFor(e) : `Could not reach the sign-in service (${e.message}).`;
      submit.disabled = false;
      error.focus();
    }
  });
  return el;
}

const WRONG = new Set(['NotAuthorizedException', 'UserNotFoundException', 'InvalidPasswordException']);

function messageFor(e) {
  switch (e.code) {
    case 'NotAuthorizedException':
      return 'Wrong email or password.';
    case 'UsernameExistsException':
      return 'An account with this email already exists: sign in instead.';
    case 'CodeMismatchException':
      return 'That code is not right: check the email and try again.';
    default:
      return e.message;
  }
}

const switchTo = (root, opts, target, text) =>
  h('button', { type: 'button', class: 'link', onclick: () => show(root, target, opts) }, text);

const FORMS = {
  signin: (root, opts) =>
    form('Sign in', opts.message ? h('p', { class: 'info' }, opts.message) : null,
      [field('email', 'Email', { type: 'email', autocomplete: 'username', value: remembered.email }),
        field('password', 'Password', { type: 'password', autocomplete: 'current-password' })],
      'Sign in',
      async ({ email, password }) => {
        try {
          await signIn(email, password);
        } catch (e) {
          // Deployed, the pool answers NotAuthorizedException for both; cognito-local tells them apart.
          if (WRONG.has(e.code)) throw new CognitoError('NotAuthorizedException');
          if (e.code !== 'UserNotConfirmedException') throw e;
          remembered = { email, password };
          show(root, 'confirm', opts);
          return;
        }
        opts.onSignedIn();
      },
      h('p', {}, 'No account yet? ', switchTo(root, opts, 'signup', 'Create one'))),

  signup: (root, opts) => {
    const min = String(setting('passwordMinLength') || 8);
    return form('Create an account', h('p', { class: 'muted' }, 'We email you a code to confirm the address.'),
      [field('email', 'Email', { type: 'email', autocomplete: 'username' }),
        field('password', 'Password', { type: 'password', autocomplete: 'new-password', minlength: min, 'aria-describedby': 'pw-hint' }),
        h('p', { id: 'pw-hint', class: 'muted hint' }, `At least ${min} characters, with upper and lower case letters, a digit and a symbol.`)],
      'Sign up',
      async ({ email, password }) => {
        await signUp(email, password);
        remembered = { email, password };
        show(root, 'confirm', opts);
      },
      h('p', {}, 'Have an account? ', switchTo(root, opts, 'signin', 'Sign in')));
  },

  confirm: (root, opts) =>
    form('Confirm your email', [h('p', {}, `Enter the code we sent to ${remembered.email || 'your email'}.`),
      setting('signUpCodeHint') ? h('p', { class: 'info', id: 'code-hint' }, setting('signUpCodeHint')) : null],
      [remembered.email ? null : field('email', 'Email', { type: 'email', autocomplete: 'username' }),
        field('code', 'Confirmation code', { inputmode: 'numeric', autocomplete: 'one-time-code' })],
      'Confirm',
      async ({ email, code }) => {
        await confirm(email || remembered.email, code.trim());
        if (remembered.password) {
          await signIn(email || remembered.email, remembered.password);
          remembered = { email: '', password: '' };
          opts.onSignedIn();
        } else {
          show(root, 'signin', { ...opts, message: 'Email confirmed: sign in.' });
        }
      },
      h('p', {}, switchTo(root, opts, 'signin', 'Back to sign in'))),
};
