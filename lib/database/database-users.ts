// The users a StatefulDatabase gives: one per client workload, and the exporter's and the backup job's, each with
// its password in a Secret made outside the output (the engine creates the users from the mounted files).
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { checkDnsSubdomain } from '../private/prop-checks';
import { Validation } from '../validation/rule';
import { DatabaseClient, IDatabaseEngine, ServiceUser, ServiceUsers } from './engine-contract';

/** The clients of one database, each with its own user and Secret `<database>-<client>-credentials`. */
export class DatabaseClients {
  /** The sources of the clients volume, one per client, in Secret name order. */
  public readonly volumeSources: k8s.VolumeProjection[] = [];
  private readonly byName = new Map<string, DatabaseClient>();

  constructor(private readonly database: IConstruct, private readonly engine: IDatabaseEngine, private readonly workloadName: string) {}

  /** Every client, in the order they connected. */
  public get all(): readonly DatabaseClient[] {
    return [...this.byName.values()];
  }

  /** The client's user, given on its first connection: its Secret joins the volume and is declared external. */
  public register(clientWorkloadName: string): DatabaseClient {
    const known = this.byName.get(clientWorkloadName);
    if (known) return known;
    const user = this.engine.clientUser(this.database, clientWorkloadName);
    if (user === 'metrics' || user === 'backup') {
      throw PatternError.invalidProp(this.database, 'connectTo.client', clientWorkloadName,
        `gives the user "${user}", which is reserved for the database's ${user === 'metrics' ? 'metrics exporter' : 'backup job'}: rename the client workload`);
    }
    if (this.all.some((c) => c.user === user)) {
      throw PatternError.invalidProp(this.database, 'connectTo.client', clientWorkloadName, `gives the user "${user}", which another client of this database already has`);
    }
    const secretName = `${this.workloadName}-${clientWorkloadName}-credentials`;
    checkDnsSubdomain(this.database, 'connectTo.client secret', secretName);
    const entry: DatabaseClient = { workloadName: clientWorkloadName, user, secretName, passwordKey: 'password' };
    this.byName.set(clientWorkloadName, entry);
    // Optional: a Secret made later is picked up by the engine's users step (PostgreSQL: within seconds; Redis:
    // at its next start) instead of keeping the database from starting.
    this.volumeSources.push({ secret: { name: secretName, optional: true, items: [{ key: 'password', path: `${user}/password` }] } });
    this.volumeSources.sort((a, b) => a.secret!.name!.localeCompare(b.secret!.name!));
    Validation.of(this.database).declareExternal('Secret', secretName);
    return entry;
  }
}

/** The exporter's and the backup job's users, for the purposes that are on; their Secrets are made outside the output. */
export function serviceUsers(database: IConstruct, workloadName: string, metrics: boolean, backup: boolean): ServiceUsers {
  const entry = (user: 'metrics' | 'backup'): ServiceUser => {
    const secretName = `${workloadName}-${user}-credentials`;
    Validation.of(database).declareExternal('Secret', secretName);
    return { user, secretName, passwordKey: 'password' };
  };
  return { ...(metrics ? { metrics: entry('metrics') } : {}), ...(backup ? { backup: entry('backup') } : {}) };
}
