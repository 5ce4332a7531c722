export { SlackClient, type PostedSlackMessage, type SlackBlock, type SlackClientOptions, type SlackMessage } from './slack-client';
export { slackCallError } from './errors';
