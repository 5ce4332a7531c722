export {
  SmtpSandbox,
  startSmtpSandbox,
  type ReceivedAttachment,
  type ReceivedEmail,
  type SmtpFaults,
  type SmtpSandboxOptions,
} from './smtp-sandbox';
