export { EmailClient, type Email, type EmailAttachment, type EmailClientOptions, type SentEmail } from './email-client';
export { emailCallError, smtpFailureKind } from './errors';
export { parseSmtpUrl, type SmtpEndpoint } from './smtp-url';
