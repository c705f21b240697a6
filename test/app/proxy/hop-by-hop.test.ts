import { DroppedHeaders, endToEndHeaders } from '../../../app/src/proxy/hop-by-hop';

describe('endToEndHeaders', () => {
  it('drops RFC 9110 connection-specific fields and those named in Connection', () => {
    expect(
      endToEndHeaders({
        connection: 'close, X-Trace-Hop, keep-alive',
        'keep-alive': 'timeout=5',
        'proxy-connection': 'keep-alive',
        te: 'trailers',
        trailer: 'x-sum',
        'transfer-encoding': 'chunked',
        upgrade: 'websocket',
        'proxy-authorization': 'Basic x',
        'x-trace-hop': '1',
        'content-type': 'text/plain',
        'set-cookie': ['a=1', 'b=2'],
      }),
    ).toEqual({ 'content-type': 'text/plain', 'set-cookie': ['a=1', 'b=2'] });
  });

  it('reads a Connection value that names no other field, in either case, without dropping anything else', () => {
    expect(endToEndHeaders({ connection: 'Keep-Alive', 'keep-alive': 'timeout=5', accept: '*/*', close: 'kept' })).toEqual({ accept: '*/*', close: 'kept' });
    expect(endToEndHeaders({ connection: 'close', 'x-hop': '1' })).toEqual({ 'x-hop': '1' });
  });

  it('also drops the names it is told to replace, and still every hop-by-hop field', () => {
    expect(
      endToEndHeaders({ 'x-forwarded-for': '1.2.3.4', accept: '*/*', 'transfer-encoding': 'chunked', connection: 'x-hop', 'x-hop': '1' }, new DroppedHeaders(['x-forwarded-for'])),
    ).toEqual({ accept: '*/*' });
  });

  it('keeps, drops or folds names with "_" as told, and drops a whole family by prefix', () => {
    const incoming = { x_user_id: 'admin', 'x-custom_flag': '1', 'x-forwarded-port': '443', x_forwarded_ssl: 'on', accept: '*/*' };
    expect(endToEndHeaders(incoming, new DroppedHeaders(['x-user-id']))).toEqual(incoming);
    expect(endToEndHeaders(incoming, new DroppedHeaders(['x-user-id'], { underscores: 'drop' }))).toEqual({ 'x-forwarded-port': '443', accept: '*/*' });
    expect(endToEndHeaders(incoming, new DroppedHeaders(['x-user-id'], { underscores: 'fold', prefix: 'x-forwarded-' }))).toEqual({ 'x-custom_flag': '1', accept: '*/*' });
  });

  it('drops a name configured with "_" in its "-" spelling as well', () => {
    expect(endToEndHeaders({ 'x-user-id': 'admin', x_user_id: 'admin', accept: '*/*' }, new DroppedHeaders(['x_user_id'], { underscores: 'fold' }))).toEqual({ accept: '*/*' });
  });
});
