import { InvalidArgumentError, tf } from '@retain/core';
import { WeightLayoutMismatchError } from '../errors/baseline-errors.js';

/** LwF's distillation temperature (Li & Hoiem 2017, Sec. 3: "T = 2"). */
export const LWF_DEFAULT_TEMPERATURE = 2;

/** Identity whose gradient is zero: the teacher's outputs are targets, never trained. */
const stopGradient = tf.customGrad((...inputs) => {
  const x = inputs[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
});

/**
 * Learning without Forgetting's knowledge-distillation loss (Li & Hoiem
 * 2017, Eq. 2, after Hinton et al. 2015): with the recorded outputs of the
 * old network y_o and the current outputs yhat_o for the same inputs and old
 * head, both softened by temperature T, y'_i = y_i^(1/T) / sum_j y_j^(1/T)
 * = softmax(logits / T)_i, the loss is the cross entropy
 * -sum_i y'_i log yhat'_i, averaged over the batch. Gradients flow into
 * `studentLogits` only (the teacher's are constants). No T^2 factor (LwF
 * balances with lambda_o instead).
 */
export function distillationLoss(studentLogits: tf.Tensor, teacherLogits: tf.Tensor, temperature: number = LWF_DEFAULT_TEMPERATURE): tf.Scalar {
  if (!Number.isFinite(temperature) || temperature <= 0) throw new InvalidArgumentError('temperature', temperature, 'a finite number > 0');
  const s = studentLogits.shape;
  const t = teacherLogits.shape;
  if (s.length !== 2 || t.length !== 2 || s[0] !== t[0] || s[1] !== t[1]) {
    throw new WeightLayoutMismatchError('teacherLogits.shape', `[${s.join(', ')}] (the student's [batch, classes])`, `[${t.join(', ')}]`);
  }
  return tf.tidy(() => {
    const target = tf.softmax(tf.div(stopGradient(teacherLogits), temperature));
    const logProbs = tf.logSoftmax(tf.div(studentLogits, temperature));
    return tf.neg(tf.mean(tf.sum(tf.mul(target, logProbs), -1))) as tf.Scalar;
  });
}

/** Float64 reference of {@link distillationLoss} over row-major [rows, classes] logits. */
export function distillationLossValue(student: Float32Array, teacher: Float32Array, rows: number, classes: number, temperature: number): number {
  if (student.length !== rows * classes) throw new WeightLayoutMismatchError('student.length', rows * classes, student.length);
  if (teacher.length !== rows * classes) throw new WeightLayoutMismatchError('teacher.length', rows * classes, teacher.length);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const soft = (v: Float32Array): number[] => {
      const z = Array.from(v.subarray(r * classes, (r + 1) * classes), (x) => x / temperature);
      const max = Math.max(...z);
      const lse = max + Math.log(z.reduce((a, x) => a + Math.exp(x - max), 0));
      return z.map((x) => x - lse);
    };
    const logTarget = soft(teacher);
    const logStudent = soft(student);
    for (let c = 0; c < classes; c++) total -= Math.exp(logTarget[c] as number) * (logStudent[c] as number);
  }
  return rows === 0 ? 0 : total / rows;
}
