import { Injectable } from '@nestjs/common';
import { type IsoDate, swedishToday } from '#domain';

/** The date services compare against; tests replace it to freeze time. */
@Injectable()
export class Clock {
  today(): IsoDate {
    return swedishToday();
  }
}
