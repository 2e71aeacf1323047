/**
 * A kafkajs partition assigner that gives a member the same partition numbers of every subscribed
 * topic (a task), sticky through the members' user data. kafkajs's round-robin assigner spreads
 * each topic on its own, which would split a SKU's product, stock and price rows across instances.
 */
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { assignTasks } from './task-assignment.ts';

const name = 'SynclineCoPartitioned';
const version = 1;

interface UserData {
  readonly tasks: number[];
}

function readUserData(buffer: Buffer | null | undefined): UserData {
  try {
    const parsed = JSON.parse(buffer?.toString('utf8') ?? '{}') as Partial<UserData>;
    return { tasks: Array.isArray(parsed.tasks) ? parsed.tasks.filter(Number.isInteger) : [] };
  } catch {
    return { tasks: [] };
  }
}

/** `ownedTasks` says what this member runs now or has local state for, for stickiness. */
export function coPartitionedAssigner(ownedTasks: () => number[]): PartitionAssigner {
  return ({ cluster }) => ({
    name,
    version,
    // kafkajs calls assign() on the group leader only, with every member's metadata.
    assign({ members, topics }) {
      const partitionsOf = new Map(
        topics.map((t) => [t, cluster.findTopicPartitionMetadata(t).map((p) => p.partitionId)]),
      );
      const tasks = [...new Set([...partitionsOf.values()].flat())];
      const decided = assignTasks(
        members.map((m) => ({
          id: m.memberId,
          previous: readUserData(AssignerProtocol.MemberMetadata.decode(m.memberMetadata)?.userData).tasks,
        })),
        tasks,
      );
      return Promise.resolve(
        [...decided.entries()].map(([memberId, memberTasks]) => {
          const assignment: Record<string, number[]> = {};
          for (const [topic, partitions] of partitionsOf) {
            const mine = partitions.filter((p) => memberTasks.includes(p));
            if (mine.length > 0) assignment[topic] = mine;
          }
          return {
            memberId,
            memberAssignment: AssignerProtocol.MemberAssignment.encode({
              version,
              assignment,
              userData: Buffer.alloc(0),
            }),
          };
        }),
      );
    },
    protocol({ topics }) {
      const userData = Buffer.from(JSON.stringify({ tasks: ownedTasks() } satisfies UserData));
      return { name, metadata: AssignerProtocol.MemberMetadata.encode({ version, topics, userData }) };
    },
  });
}
