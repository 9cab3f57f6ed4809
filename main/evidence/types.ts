// The public types live in shared/ (the renderer and the contract use them too).
export * from '../../shared/evidence'
