import { RetainError } from '@retain/core';

/** No Chromium executable was found for the report check. Says where it looked and how to install one. */
export class ChromiumNotFoundError extends RetainError {
  /** The paths tried, in order. */
  readonly lookedIn: readonly string[];

  constructor(lookedIn: readonly string[]) {
    super(
      'ERR_CHROMIUM_NOT_FOUND',
      `no Chromium executable found (looked in: ${lookedIn.join(', ')}): install Debian's chromium with \`apt-get install chromium\`, or set RETAIN_CHROMIUM=/path/to/chromium`,
    );
    this.lookedIn = [...lookedIn];
  }
}

/** playwright-core (a dev dependency of the runner) is not installed, so the report check cannot drive Chromium. */
export class PlaywrightUnavailableError extends RetainError {
  constructor(cause: string) {
    super('ERR_PLAYWRIGHT_UNAVAILABLE', `playwright-core cannot be loaded (${cause}): install the runner's dev dependencies (npm install in the repository)`);
  }
}
