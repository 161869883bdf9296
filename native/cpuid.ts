/**
 * Decoding the CPUID leaves the TDX readiness check needs (Intel SDM vol. 2A,
 * CPUID): vendor and max basic leaf (leaf 0), family/model/stepping and VMX
 * (leaf 1), SGX (leaf 7 EBX bit 2) and TME (leaf 7 ECX bit 13), MAXPHYADDR
 * (leaf 0x80000008 EAX 7:0).
 */
import type { CpuidFn } from './index.js';

export interface CpuidFacts {
  vendor: string;
  maxLeaf: number;
  family: number;
  model: number;
  stepping: number;
  vmx: boolean;
  sgx?: boolean;
  tme?: boolean;
  physAddrBits?: number;
}

function ascii(n: number): string {
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

export function readCpuid(cpuid: CpuidFn): CpuidFacts {
  const l0 = cpuid(0);
  const vendor = ascii(l0.ebx) + ascii(l0.edx) + ascii(l0.ecx);
  const l1 = cpuid(1);
  const baseFamily = (l1.eax >>> 8) & 0xf;
  const baseModel = (l1.eax >>> 4) & 0xf;
  const family = baseFamily === 0xf ? baseFamily + ((l1.eax >>> 20) & 0xff) : baseFamily;
  const model = baseFamily === 0x6 || baseFamily === 0xf ? (((l1.eax >>> 16) & 0xf) << 4) | baseModel : baseModel;
  const facts: CpuidFacts = {
    vendor,
    maxLeaf: l0.eax >>> 0,
    family,
    model,
    stepping: l1.eax & 0xf,
    vmx: ((l1.ecx >>> 5) & 1) === 1,
  };
  if (facts.maxLeaf >= 7) {
    const l7 = cpuid(7, 0);
    facts.sgx = ((l7.ebx >>> 2) & 1) === 1;
    facts.tme = ((l7.ecx >>> 13) & 1) === 1;
  }
  const ext = cpuid(0x80000000).eax >>> 0;
  if (ext >= 0x80000008) facts.physAddrBits = cpuid(0x80000008).eax & 0xff;
  return facts;
}
