export {
  SlackSandbox,
  startSlackSandbox,
  type ReceivedSlackMessage,
  type SlackChannel,
  type SlackFaults,
  type SlackMessageMetadata,
  type SlackSandboxOptions,
} from './slack-sandbox';
