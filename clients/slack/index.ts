export { NOTIFICATION_EVENT_TYPE, SlackClient, type FindMessageOptions, type PostedSlackMessage, type SlackBlock, type SlackClientOptions, type SlackMessage } from './slack-client';
export { slackCallError } from './errors';
