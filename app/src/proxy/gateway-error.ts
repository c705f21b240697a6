import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import { GATEWAY_ERRORS, type GatewayErrorBody, type GatewayErrorCode } from '../contract';
import type { Rejection } from '../edge/request-guard';

/** Writes the gateway's own JSON error answer for `code`, with the request id in the body. */
export function sendGatewayError(reply: FastifyReply, requestId: string, code: GatewayErrorCode, detail: string | undefined, draining: boolean): FastifyReply {
  const { status, message } = GATEWAY_ERRORS[code];
  const body: GatewayErrorBody = { error: { code, message: detail === undefined ? message : `${message}: ${detail}`, requestId } };
  if (draining) reply.header('connection', 'close');
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body));
}

/** A guard's rejection as a raw HTTP/1.1 response, for upgrade requests that never reach Fastify. */
export function rawGatewayError(requestId: string, rejection: Rejection): string {
  const { status, message } = GATEWAY_ERRORS[rejection.code];
  const body = JSON.stringify({
    error: { code: rejection.code, message: rejection.detail === undefined ? message : `${message}: ${rejection.detail}`, requestId },
  } satisfies GatewayErrorBody);
  const extra = Object.entries(rejection.headers ?? {})
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${requestId}\r\n${extra}\r\n${body}`
  );
}
