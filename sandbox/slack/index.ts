export {
  SlackSandbox,
  startSlackSandbox,
  type ReceivedSlackMessage,
  type SlackChannel,
  type SlackSandboxOptions,
} from './slack-sandbox';
