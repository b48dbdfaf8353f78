import { BitMask, type SubnetworkStore } from '@retain/masks';
import { floatSubnetworkStore } from './float-subnetwork-store.js';
import { MaskStrategy } from './mask-strategy.js';

/**
 * Mask strategies whose sub-networks nest like PackNet's (Mallya & Lazebnik
 * 2018): task t sees the weights of owners 1..t, trains free weights in its
 * 'training' phase, then keeps a subset (`kept`, chosen by the subclass: by
 * magnitude for PackNet, by sharpness saliency for EsaCL) and claims it with
 * its 'freeze' action. Subclasses' phase machines must define the phase
 * 'training' and the action 'freeze' (the machine refuses them otherwise).
 */
export abstract class NestedMaskStrategy<P extends string, A extends string> extends MaskStrategy<P, A> {
  /** The weights the active task keeps, by parameter name (empty until it prunes). */
  protected kept = new Map<string, BitMask>();

  /**
   * The @retain/masks sub-network store of every frozen task (a new object
   * each call; see {@link floatSubnetworkStore}): per task its claimed kernel
   * weights as float32, its head and batch norm, plus the shared biases.
   */
  subnetworkStore(): SubnetworkStore {
    const tasks = this.trainedTasks.filter((t) => t !== this.activeTask).map((taskId) => ({ taskId, ownerId: this.ownerId(taskId) }));
    return floatSubnetworkStore({ network: this.network, ownership: this.ownership, kernels: this.maskable, tasks });
  }

  protected maskKey(taskId: number, active: boolean): string {
    return active ? `active:${taskId}:${this.machine.phase}` : `frozen:${taskId}`;
  }

  protected installMasks(taskId: number, active: boolean): void {
    const id = this.ownerId(taskId);
    for (const p of this.maskable) {
      const earlier = this.ownership.visible(id, p.name, 'nested');
      if (!active) {
        p.setMasks({ visible: this.maskTensor(p, earlier) });
        continue;
      }
      const trainable =
        this.machine.phase === ('training' as P) ? this.ownership.trainable(id, p.name, 32) : (this.kept.get(p.name) ?? new BitMask(p.size));
      // The trainable mask is applied by the optimiser (inside the fused Adam pass): the same
      // updates as masking the gradient in the backward pass, one kernel-sized multiply fewer.
      p.setMasks({ visible: this.maskTensor(p, earlier.or(trainable)), trainable: this.maskTensor(p, trainable), trainableIn: 'optimizer' });
    }
  }

  /** The active task claims its kept weights; shared biases / batch norm freeze after the first task. */
  protected freeze(taskId: number): void {
    this.machine.check('freeze' as A);
    const id = this.ownerId(taskId);
    for (const p of this.maskable) this.ownership.claim(id, p.name, this.kept.get(p.name) ?? new BitMask(p.size), 32);
    this.freezeUnmaskedShared();
    this.machine.apply('freeze' as A);
    this.kept = new Map();
    this.activeTask = undefined;
    this.invalidateMasks();
  }

  protected dropTaskState(): void {
    this.kept = new Map();
  }
}
