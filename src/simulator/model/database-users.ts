// Database users of a project (SCRAM only is authenticated here): temporary users expire at their
// deleteAfterDate on the simulator's clock, scopes restrict a user to named clusters, and the
// password is kept only as a salted scrypt hash. The data plane asks authenticate() and forCluster(),
// and (enforcing authentication) is handed a new user's password once, to create it on the wire.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { SimError, validationError } from './errors.js';
import type { Model } from './model.js';

export interface DatabaseUserRole {
  roleName: string;
  databaseName: string;
  collectionName?: string;
}
export interface DatabaseUserScope {
  name: string;
  type: 'CLUSTER' | 'DATA_LAKE' | 'STREAM';
}
export interface DatabaseUser {
  groupId: string;
  databaseName: string;
  username: string;
  roles: DatabaseUserRole[];
  scopes: DatabaseUserScope[];
  description?: string;
  labels?: { key?: string; value?: string }[];
  deleteAfter?: number;
  /** scrypt over the password with this salt, hex; absent for non-SCRAM users. */
  passwordSalt?: string;
  passwordHash?: string;
  x509Type: string;
  awsIAMType: string;
  ldapAuthType: string;
  oidcAuthType: string;
}

export const MAX_USERS_PER_PROJECT = 100;
const WEEK_MS = 7 * 24 * 3_600_000;
const KEY_LEN = 32;

const userKey = (groupId: string, databaseName: string, username: string) => `${groupId}/${databaseName}/${username}`;

function hashPassword(password: string, salt: string): string {
  return scryptSync(password, Buffer.from(salt, 'hex'), KEY_LEN).toString('hex');
}

export class DatabaseUsers {
  constructor(private m: Model) {}

  private get all(): Record<string, DatabaseUser> {
    return (this.m.state.databaseUsers ??= {});
  }

  /** Temporary users past their deleteAfterDate are gone, as Atlas deletes them at that time. */
  private expire(): void {
    const now = this.m.now();
    let changed = false;
    for (const [k, u] of Object.entries(this.all)) {
      if (u.deleteAfter !== undefined && u.deleteAfter <= now) {
        delete this.all[k];
        changed = true;
      }
    }
    if (changed) this.m.changed();
  }

  inProject(groupId: string): DatabaseUser[] {
    this.expire();
    return Object.values(this.all).filter((u) => u.groupId === groupId);
  }

  create(groupId: string, u: Omit<DatabaseUser, 'passwordSalt' | 'passwordHash'>, password?: string): DatabaseUser {
    this.m.project(groupId);
    if (u.deleteAfter !== undefined) {
      const now = this.m.now();
      if (u.deleteAfter <= now) throw validationError('deleteAfterDate', 'must be a date in the future');
      if (u.deleteAfter > now + WEEK_MS)
        throw validationError('deleteAfterDate', 'must be within one week of the request');
    }
    u.scopes.forEach((s, i) => {
      if (s.type === 'CLUSTER' && !this.m.findCluster(groupId, s.name))
        throw new SimError(
          404,
          'CLUSTER_NOT_FOUND',
          `scopes[${i}].name: no cluster named ${s.name} exists in group ${groupId}.`,
          [s.name, groupId],
        );
    });
    const users = this.inProject(groupId);
    if (users.some((x) => x.databaseName === u.databaseName && x.username === u.username))
      throw new SimError(409, 'USER_ALREADY_EXISTS', `The user ${u.username} already exists.`, [u.username]);
    if (users.length >= MAX_USERS_PER_PROJECT)
      throw new SimError(
        400,
        'DATABASE_USER_LIMIT_EXCEEDED',
        `Group ${groupId} already has ${MAX_USERS_PER_PROJECT} database users, the most a project can have.`,
        [groupId, MAX_USERS_PER_PROJECT],
      );
    const user: DatabaseUser = { ...u };
    if (password !== undefined) {
      user.passwordSalt = randomBytes(16).toString('hex');
      user.passwordHash = hashPassword(password, user.passwordSalt);
    }
    this.all[userKey(groupId, u.databaseName, u.username)] = user;
    this.m.changed();
    this.m.data?.userCreated?.(user, password);
    return user;
  }

  get(groupId: string, databaseName: string, username: string): DatabaseUser {
    this.m.project(groupId);
    this.expire();
    const u = this.all[userKey(groupId, databaseName, username)];
    if (!u)
      throw new SimError(
        404,
        'USERNAME_NOT_FOUND',
        `No user with username ${username} exists in database ${databaseName}.`,
        [username],
      );
    return u;
  }

  delete(groupId: string, databaseName: string, username: string): void {
    this.get(groupId, databaseName, username);
    delete this.all[userKey(groupId, databaseName, username)];
    this.m.changed();
  }

  /** The users that may connect to a cluster: unscoped users and those scoped to it. */
  forCluster(groupId: string, clusterName: string): DatabaseUser[] {
    return this.inProject(groupId).filter(
      (u) => u.scopes.length === 0 || u.scopes.some((s) => s.type === 'CLUSTER' && s.name === clusterName),
    );
  }

  /** The roles of a SCRAM user (auth database admin) allowed on the cluster, or undefined. */
  authenticate(
    groupId: string,
    clusterName: string,
    username: string,
    password: string,
  ): DatabaseUserRole[] | undefined {
    const u = this.forCluster(groupId, clusterName).find((x) => x.databaseName === 'admin' && x.username === username);
    if (!u?.passwordSalt || !u.passwordHash) return undefined;
    const got = Buffer.from(hashPassword(password, u.passwordSalt), 'hex');
    return timingSafeEqual(got, Buffer.from(u.passwordHash, 'hex')) ? u.roles.map((r) => ({ ...r })) : undefined;
  }
}
