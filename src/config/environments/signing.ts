/**
 * The Cosign public key release images are signed with (reference value: the
 * project's example key; replace it with your organisation's release key).
 * A public key is not a secret; Kyverno's verify-image-signatures policy reads
 * it from ConfigMap kyverno/platform-policy-config.
 */
export const RELEASE_COSIGN_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEecKRXqnR13MggggmzC2m2C1C5wl5
ljAeLyudsUZb3eVHeL62IHJKRKkmggDGvM004g+znwUubcWvwm0k2p2GaA==
-----END PUBLIC KEY-----
`;
