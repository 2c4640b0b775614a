/**
 * TEST DOUBLE of a SLIM node's control client, for the controller's unit tests: it dials the
 * controller's southbound OpenControlChannel like the node in @agntcy/slim-bindings does (register
 * first, then answer each ConfigurationCommand with a ConfigurationCommandAck) and records what it was
 * told. Real nodes are exercised by test/integration/controller.
 */
import { randomUUID } from 'node:crypto';
import { credentials, makeGenericClientConstructor, type Client, type ClientDuplexStream } from '@grpc/grpc-js';
import { controllerServiceDefinition, SOUTHBOUND_SERVICE } from '../../../../main/core/controller/controller-proto.js';
import { TypedEmitter } from '../../../../main/core/events/typed-emitter.js';

export interface ReceivedCommand {
  message_id: string;
  connections_to_create: { link_id: string; config_data: string }[];
  routes_to_set: WireRouteObject[];
  routes_to_delete: WireRouteObject[];
}

export interface WireRouteObject {
  name: {
    name: { component_0: string; component_1: string; component_2: string; name_id: { id_0: string; id_1: string } };
    str_name: { str_component_0: string; str_component_1: string; str_component_2: string };
  };
  link_id: string;
  direction: string;
}

export interface FakeNodeOptions {
  /** Return false to make the node report a failure for that link or route. */
  accept?: (kind: 'connection' | 'route', linkId: string) => boolean;
  /** Never answer commands (timeout tests). */
  silent?: boolean;
}

export class FakeSlimNode {
  readonly commands: ReceivedCommand[] = [];
  readonly events = new TypedEmitter<{ command: ReceivedCommand; registered: boolean }>();
  private client: Client | undefined;
  private stream: ClientDuplexStream<object, Record<string, unknown>> | undefined;

  constructor(
    readonly nodeId: string,
    readonly endpoint: string,
    private readonly options: FakeNodeOptions = {},
  ) {}

  /** Opens the control stream and registers; resolves once the controller answered. */
  async connect(controllerAddress: string): Promise<void> {
    const Ctor = makeGenericClientConstructor(controllerServiceDefinition(SOUTHBOUND_SERVICE), 'ControllerService');
    this.client = new Ctor(controllerAddress, credentials.createInsecure());
    const open = (this.client as unknown as Record<string, () => ClientDuplexStream<object, Record<string, unknown>>>)['OpenControlChannel'];
    if (open === undefined) throw new Error('no OpenControlChannel');
    const stream = open.call(this.client);
    this.stream = stream;
    stream.on('error', () => undefined);
    stream.on('data', (message: Record<string, unknown>) => this.onMessage(message));
    const registered = this.events.waitFor('registered', () => true, 5000);
    stream.write({ message_id: randomUUID(), register_node_request: { node_id: this.nodeId, connection_details: [{ endpoint: this.endpoint }] } });
    if (!(await registered)) throw new Error('registration refused');
  }

  private onMessage(message: Record<string, unknown>): void {
    if (message['payload'] === 'register_node_response') {
      this.events.emit('registered', (message['register_node_response'] as { success: boolean }).success);
      return;
    }
    if (message['payload'] !== 'config_command') return;
    const command = { message_id: message['message_id'] as string, ...(message['config_command'] as Omit<ReceivedCommand, 'message_id'>) };
    this.commands.push(command);
    this.events.emit('command', command);
    if (this.options.silent === true) return;
    const accept = this.options.accept ?? (() => true);
    this.stream?.write({
      message_id: randomUUID(),
      config_command_ack: {
        original_message_id: command.message_id,
        connections_status: command.connections_to_create.map((c) => {
          const ok = accept('connection', c.link_id);
          return { link_id: c.link_id, success: ok, errorMsg: ok ? '' : 'Connection failed: refused by the test' };
        }),
        routes_status: [...command.routes_to_set, ...command.routes_to_delete].map((r) => {
          const ok = accept('route', r.link_id);
          return { route: r, success: ok, error_msg: ok ? '' : 'Failed to subscribe: refused by the test' };
        }),
      },
    });
  }

  /** Ends the control stream (the node went away). */
  disconnect(): void {
    this.stream?.end();
    this.stream?.cancel();
    this.client?.close();
    this.stream = undefined;
    this.client = undefined;
  }
}
