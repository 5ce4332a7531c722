export { BruinSandbox, startBruinSandbox, TOKEN_PATH, type BruinSandboxOptions, type LoginAttempt, type StartBruinSandboxOptions } from './server';
export { TicketBook, type SandboxDetail, type SandboxNote, type SandboxTicket, type TicketSeed } from './tickets';
export { TokenIssuer } from './tokens';
